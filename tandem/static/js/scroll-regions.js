// Tables wider than the screen scroll sideways inside their frame (.table-wrap), never the page. A frame that
// scrolls can be reached with the keyboard (Tab, then the arrow keys) and says what it holds: a group named by
// its table's caption (a group, not a region: a page of tables would otherwise be a page of landmarks, some
// named like the section around them). A frame that fits stays out of the tab order. Without this script,
// current browsers make scrolling frames focusable themselves.
(function () {
  "use strict";
  var frames = document.querySelectorAll(".table-wrap, [data-scroll-region]");
  if (!frames.length) { return; }

  function nameOf(frame) {
    var caption = frame.querySelector("caption");
    return (frame.getAttribute("data-scroll-label") || (caption ? caption.textContent : "")).replace(/\s+/g, " ").trim();
  }

  function update(frame) {
    var scrolls = frame.scrollWidth > frame.clientWidth + 1 || frame.scrollHeight > frame.clientHeight + 1;
    if (scrolls && !frame.hasAttribute("tabindex")) {
      frame.setAttribute("tabindex", "0");
      frame.setAttribute("data-scroll-region-on", "");
      var name = nameOf(frame);
      if (name) {
        frame.setAttribute("role", "group");
        frame.setAttribute("aria-label", name);
      }
    } else if (!scrolls && frame.hasAttribute("data-scroll-region-on")) {
      frame.removeAttribute("tabindex");
      frame.removeAttribute("data-scroll-region-on");
      frame.removeAttribute("role");
      frame.removeAttribute("aria-label");
    }
  }

  function updateAll() {
    for (var index = 0; index < frames.length; index += 1) { update(frames[index]); }
  }

  updateAll();
  if (typeof ResizeObserver === "function") {
    var observer = new ResizeObserver(updateAll);
    for (var index = 0; index < frames.length; index += 1) { observer.observe(frames[index]); }
  } else {
    window.addEventListener("resize", updateAll);
  }
})();
