import { createContext, useContext } from "react";
import type { Theme } from "../../../themes/types.ts";
import type { StoreLayoutData } from "./types.ts";

export const StoreContext = createContext<{ store: StoreLayoutData; theme: Theme } | null>(null);

/** The storefront layout's data and the active theme, anywhere inside `StoreShell`. */
export function useStore(): StoreLayoutData & { theme: Theme } {
  const value = useContext(StoreContext);
  if (!value) throw new Error("useStore() must be used inside the storefront layout");
  return { ...value.store, theme: value.theme };
}
