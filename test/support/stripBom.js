// strip-bom 5 (used by @microsoft/app-manifest) is ESM-only; Node 20 loads it with require(esm) but
// jest's CommonJS runtime cannot. This is the same one-line function, in CommonJS, for jest only.
function stripBom(text) {
  return typeof text === 'string' && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
module.exports = stripBom;
module.exports.default = stripBom;
