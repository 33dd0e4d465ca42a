// The role page's one behaviour: its Print button (the page itself is static HTML).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print");
  if (button) button.addEventListener("click", () => window.print());
});
