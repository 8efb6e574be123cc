/*
 * Lets a child process of a test run TypeScript sources directly (node -r this-file some.ts), compiled by the same
 * swc as jest and with the same @ioc/* aliases, so process-level tests need no build step.
 */
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const root = path.resolve(__dirname, '../../..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@ioc/testing') request = path.join(root, 'test/support');
  else if (request.startsWith('@ioc/')) request = path.join(root, 'libs', request.slice('@ioc/'.length), 'src');
  return resolve.call(this, request, ...rest);
};

const options = {
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
Module._extensions['.ts'] = function (module, filename) {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
