import { useEffect, type CSSProperties } from "react";
import { FormattedMessage } from "react-intl";
import { getTheme } from "../../../themes/index.ts";
import { useNonce } from "../../utils/nonce.ts";
import { cssVariables } from "../../../themes/settings.ts";
import { StoreContext } from "./context.tsx";
import { StoreIntlProvider } from "./intl.tsx";
import type { StoreLayoutData } from "./types.ts";

/**
 * The storefront's frame around every page: the theme's variables, skip link,
 * header, one <main>, footer. (Its stylesheets come from the route's `handle`:
 * see stylesheets.ts.)
 */
export function StoreShell({ store, children }: { store: StoreLayoutData; children: React.ReactNode }) {
  const theme = getTheme(store.themeId);
  const { Header, Footer } = theme.components;
  usePreviewLinks(store.preview?.query);
  const nonce = useNonce();
  return (
    <StoreIntlProvider language={store.language}>
      <StoreContext.Provider value={{ store, theme }}>
        {store.preview?.query ? <script nonce={nonce} dangerouslySetInnerHTML={{ __html: FRAMED_STORAGE_FALLBACK }} /> : null}
        <div className={`store theme-${theme.id}`} style={cssVariables(store.settings) as CSSProperties}>
          <a className="skip-link" href="#main">
            <FormattedMessage id="shell.skipLink" />
          </a>
          {store.preview ? (
            <p className="preview-bar">
              <FormattedMessage id={store.preview.draft ? "shell.previewDraft" : "shell.previewShop"} /> <FormattedMessage id="shell.previewOnlyYou" />{" "}
              {store.preview.query ? null : (
                <a href="/password?exit_preview">
                  <FormattedMessage id="shell.exitPreview" />
                </a>
              )}
            </p>
          ) : null}
          <Header store={store} />
          <main id="main" tabIndex={-1}>
            {children}
          </main>
          <Footer store={store} />
        </div>
      </StoreContext.Provider>
    </StoreIntlProvider>
  );
}

/**
 * In the editor's cross-site frame, browsers that block third-party storage
 * throw on `sessionStorage`, which scroll restoration reads: give the frame an
 * in-memory one instead, before Remix's scripts run.
 */
const FRAMED_STORAGE_FALLBACK = `try{window.sessionStorage.length}catch(e){var m=new Map();Object.defineProperty(window,"sessionStorage",{configurable:true,value:{getItem:function(k){return m.has(k)?m.get(k):null},setItem:function(k,v){m.set(k,String(v))},removeItem:function(k){m.delete(k)},clear:function(){m.clear()},key:function(i){return Array.from(m.keys())[i]??null},get length(){return m.size}}})}`;

/**
 * Inside the theme editor's frame the preview travels in the URL (a
 * cross-site frame gets no SameSite=Lax cookie), so links within the shop keep
 * the preview query.
 */
function usePreviewLinks(query: string | undefined) {
  useEffect(() => {
    if (!query) return;
    const onClick = (event: MouseEvent) => {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      const anchor = (event.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!anchor || (anchor.target && anchor.target !== "_self")) return;
      const url = new URL(anchor.href);
      if (url.origin !== window.location.origin) return;
      for (const [key, value] of new URLSearchParams(query)) url.searchParams.set(key, value);
      event.preventDefault();
      event.stopPropagation();
      window.location.assign(url.href);
    };
    window.addEventListener("click", onClick, true);
    return () => window.removeEventListener("click", onClick, true);
  }, [query]);
}
