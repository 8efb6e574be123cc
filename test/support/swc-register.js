/**
 * Lets a child process started by a test run TypeScript sources the way jest does (swc, CommonJS, decorators) and
 * resolve the `@ioc/<lib>` aliases, without a build: `node -r ./test/support/swc-register.js child.ts`.
 */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');
const options = require('./swc-options');

const root = path.resolve(__dirname, '../..');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@ioc/testing') request = path.join(root, 'test/support');
  else if (request.startsWith('@ioc/')) request = path.join(root, 'libs', request.slice(5), 'src');
  return resolveFilename.call(this, request, ...rest);
};
require.extensions['.ts'] = function (module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};
