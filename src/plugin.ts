/**
 * The entry Pulumi's plugin runner loads (package.json `main`) when another language uses this
 * package (`pulumi package add`). It exports a function, which the runner calls: it serves the
 * RayPlatform component with the schema shipped in schema.json. (Exporting the component class
 * instead would make the runner infer the schema with the TypeScript compiler on every start.)
 * TypeScript users import the library through package.json `exports`, never this file.
 */
import * as path from "path";
import { serve } from "./multilang/provider";

export = function main(): Promise<void> {
    return serve(path.join(__dirname, ".."), process.argv.slice(2));
};
