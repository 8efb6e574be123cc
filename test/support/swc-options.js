/** How TypeScript is compiled in tests: by jest (jest.config.js) and in test child processes (swc-register.js). */
'use strict';
module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
};
