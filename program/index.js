"use strict";
// The root stack's program. The library is compiled to bin/ by `npm install` (the `prepare`
// script), so this file stays plain JavaScript and Pulumi needs no TypeScript setup here.
module.exports = require("../bin/program").platformFromConfig();
