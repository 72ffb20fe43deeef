// The page skeleton: a strict Content-Security-Policy (nothing but the inline style and scripts
// may load: no network, no files), an error catcher that runs before anything else, the data,
// then the drawing scripts. The page marks <html data-render="ok"> once drawn, or "error" with
// the messages listed at the top, which is what tests/report checks in headless Chromium.
#include "report/report.hpp"

namespace loom::report {

namespace {

const char* const kHead = R"HTML(<!DOCTYPE html>
<html lang="en" data-render="pending">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loom run report</title>
<style>
)HTML";

// Runs first, in its own element, so that even a syntax error in the drawing scripts is shown.
const char* const kErrorCatcher = R"JS(
(function () {
  "use strict";
  function show(text) {
    document.documentElement.setAttribute("data-render", "error");
    var list = document.getElementById("page-errors");
    if (!list) return;
    var item = document.createElement("li");
    item.textContent = text;
    list.appendChild(item);
    list.hidden = false;
  }
  window.onerror = function (message, source, line, column) {
    show("script error: " + message + " (line " + line + ":" + column + ")");
  };
  window.addEventListener("unhandledrejection", function (e) { show("script error: " + e.reason); });
  var consoleError = console.error;
  console.error = function () {
    show("console error: " + Array.prototype.join.call(arguments, " "));
    consoleError.apply(console, arguments);
  };
  window.loomReportError = show;
})();
)JS";

}  // namespace

std::string render_page(const std::string& data_json) {
  std::string page = kHead;
  page += kPageStyle;
  page += "</style>\n<script>";
  page += kErrorCatcher;
  page +=
      "</script>\n</head>\n<body>\n"
      "<ul id=\"page-errors\" class=\"page-errors\" hidden></ul>\n"
      "<noscript>This report draws itself with JavaScript; enable it to see the run.</noscript>\n"
      "<main id=\"app\"></main>\n"
      "<script type=\"application/json\" id=\"report-data\">";
  page += data_json;
  page += "</script>\n<script>\n\"use strict\";\n(function () {\n";
  page += kGraphScript;
  page += kChartScript;
  page +=
      "\nrender();\n"
      "if (document.documentElement.getAttribute(\"data-render\") !== \"error\")\n"
      "  document.documentElement.setAttribute(\"data-render\", \"ok\");\n"
      "})();\n</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace loom::report
