import type { HeadersFunction, LoaderFunctionArgs, MetaFunction, SerializeFrom } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { THEME_MANIFESTS } from "../../themes/manifest.ts";
import { Landing } from "../components/landing.tsx";
import { JsonLd } from "../components/store/json-ld.tsx";
import { storefrontIntl } from "../../shop/storefront-language.ts";
import { PasswordPage } from "../components/store/password-page.tsx";
import { storeMeta } from "../components/store/seo.ts";
import { HomeSections } from "../components/store/sections.tsx";
import { StoreShell } from "../components/store/shell.tsx";
import { storefrontStylesheets, type StylesheetsHandle } from "../components/store/stylesheets.ts";
import { Recommendations } from "../components/store/recommendations.tsx";
import { cartProductIds, homeSectionsData, pricingData, readVisitorId } from "../domain.server.ts";
import { shopperRecommendations } from "../utils/recommendations.server.ts";
import { shopperOf } from "../utils/shopper.server.ts";
import { loadPasswordPage, loadStoreLayout, readStorefront, storefrontSecurityHeaders } from "../utils/storefront.server.ts";

// "/" is the one path both kinds of host share: the platform's landing page, or the shop's home.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { site } = context;
  if (site.kind === "platform")
    return {
      kind: "platform" as const,
      signedIn: Boolean(context.user),
      themes: THEME_MANIFESTS.map(({ id, name, description }) => ({ id, name, description })),
      ...(await pricingData(context.services.db)),
    };
  const storefront = await readStorefront(context, request);
  const headers = storefrontSecurityHeaders(context, storefront);
  // Until launch, "/" itself is the "Opening soon" page (its form posts to /password).
  if (!storefront.unlocked) return data({ kind: "locked" as const, page: await loadPasswordPage(context, storefront) }, { headers });
  const store = await loadStoreLayout(context, request, storefront);
  // A visitor without cookies gets trending, the same for everyone (so the page cache can keep the page); one we
  // know gets their own picks, without the cart's products.
  const cookies = request.headers.get("cookie");
  const shopperState = cookies ? await shopperOf(context, request, storefront) : null;
  const shopper = shopperState?.shopper;
  const owner = shopperState?.owner;
  // A renewed shopper session goes back with the page.
  const renewed = shopperState?.headers.get("Set-Cookie");
  const responseHeaders = new Headers(headers);
  if (renewed) responseHeaders.append("Set-Cookie", renewed);
  const inCart = owner && (owner.customerId || owner.token) ? await cartProductIds(storefront.db, owner) : [];
  const sections = await homeSectionsData(storefront.db, store.settings.sections, {
    headline: storefront.settings.headline,
    welcomeText: storefront.settings.welcome_text,
  });
  const description =
    storefront.settings.welcome_text ||
    storefront.settings.headline ||
    storefrontIntl(store.language).formatMessage({ id: "home.metaDescription" }, { shopName: store.shop.name });
  return data(
    {
      kind: "shop" as const,
      store,
      sections,
      // Not awaited: deferred data, bounded so it can never hold the page up.
      recommendations: shopperRecommendations(
        storefront.db,
        { customerId: shopper?.id, visitorId: readVisitorId(request) },
        inCart,
        context.services.config.recommendationsBudgetMs,
      ),
      seo: { title: store.shop.name, description, path: "/" },
      jsonLd: {
        "@context": "https://schema.org",
        "@type": "Organization",
        name: store.shop.name,
        url: `${store.shop.origin}/`,
        ...(store.shop.logo ? { logo: store.shop.origin + store.shop.logo.url } : {}),
        ...(store.shop.contactEmail ? { email: store.shop.contactEmail } : {}),
      },
    },
    { headers: responseHeaders },
  );
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

export const handle: StylesheetsHandle<SerializeFrom<typeof loader>> = {
  stylesheets: (data) =>
    data?.kind === "shop" ? storefrontStylesheets(data.store.themeId) : data?.kind === "locked" ? storefrontStylesheets(data.page.themeId) : [],
  language: (data) => (data?.kind === "shop" ? data.store.language : data?.kind === "locked" ? data.page.language : undefined),
};

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (data?.kind === "shop") return storeMeta(data.seo, data.store);
  if (data?.kind === "locked") {
    const title = storefrontIntl(data.page.language).formatMessage({ id: "password.metaTitle" }, { shopName: data.page.shopName });
    return [{ title }, { name: "description", content: title }];
  }
  return [
    { title: "Bazaar: open your online shop in a minute" },
    { name: "description", content: "A storefront with three themes, a checkout and an admin that works on a phone. Free trial, simple plans." },
  ];
};

export default function Index() {
  const data = useLoaderData<typeof loader>();
  if (data.kind === "locked") return <PasswordPage page={data.page} />;
  if (data.kind === "shop") {
    return (
      <StoreShell store={data.store}>
        <JsonLd data={data.jsonLd} />
        <HomeSections sections={data.sections} />
        <div className="store-page">
          <Recommendations block={data.recommendations} id="home-recommendations" />
        </div>
      </StoreShell>
    );
  }
  return <Landing signedIn={data.signedIn} themes={data.themes} plans={data.plans} trialDays={data.trialDays} />;
}
