// The checker lives in core so the viewer (which may not import the server) shares it.
export { bearerChecker } from "../core/auth.ts";
