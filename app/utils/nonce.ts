import { createContext, useContext } from "react";

/** This response's Content-Security-Policy nonce (server/csp.ts), for the few inline scripts we render; empty in the browser. */
export const NonceContext = createContext("");

export const useNonce = () => useContext(NonceContext);
