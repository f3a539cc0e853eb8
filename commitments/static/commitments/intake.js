// Progressive enhancement: focusing a point's form outlines its words in the text.
// Only the text's own box scrolls, never the page: a page that moved under the pointer between
// mousedown (focus) and mouseup would lose the click on a checkbox or field.
document.querySelectorAll("[data-mark]").forEach(function (box) {
  box.addEventListener("focusin", function () {
    document.querySelectorAll("mark.intake-focus").forEach(function (m) { m.classList.remove("intake-focus"); });
    var mark = document.getElementById(box.dataset.mark);
    var frame = document.getElementById("intake-text");
    if (!mark || !frame) { return; }
    mark.classList.add("intake-focus");
    var top = mark.getBoundingClientRect().top - frame.getBoundingClientRect().top + frame.scrollTop;
    if (top < frame.scrollTop || top > frame.scrollTop + frame.clientHeight - 40) {
      frame.scrollTop = Math.max(0, top - 40);
    }
  });
});
