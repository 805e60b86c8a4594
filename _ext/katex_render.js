// The node half of katex_math.py: reads one JSON request a line on stdin,
// {"tex": "...", "display": true|false}, and answers one JSON line on stdout,
// {"html": "..."} or {"error": "..."}. One process serves a whole build, so
// KaTeX is loaded once, not once per formula.
// Usage: node katex_render.js /path/to/katex.min.js
"use strict";
const katex = require(process.argv[2]);
const readline = require("readline");

const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let answer;
  try {
    const request = JSON.parse(line);
    answer = {
      html: katex.renderToString(request.tex, {
        displayMode: request.display,
        throwOnError: true, // a formula KaTeX cannot typeset fails the build, never shows raw TeX
        output: "htmlAndMathml", // MathML for screen readers, HTML for the eyes
        strict: "ignore",
      }),
    };
  } catch (error) {
    answer = { error: String(error && error.message ? error.message : error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
