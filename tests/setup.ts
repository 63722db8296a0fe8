/**
 * Loaded by mocha before any test: lets example programs import "kuberay-platform" exactly as a
 * user's program would, resolving it to this repository's compiled sources.
 */
import * as path from "path";

const Module = require("module");
const original = Module._resolveFilename;
const target = path.join(__dirname, "..", "src", "index.js");
Module._resolveFilename = function (request: string, ...rest: unknown[]) {
    return original.call(this, request === "kuberay-platform" ? target : request, ...rest);
};
