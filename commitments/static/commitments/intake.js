// Progressive enhancement: focusing a point's form outlines its words in the text.
document.querySelectorAll("[data-mark]").forEach(function (box) {
  box.addEventListener("focusin", function () {
    document.querySelectorAll("mark.intake-focus").forEach(function (m) { m.classList.remove("intake-focus"); });
    var mark = document.getElementById(box.dataset.mark);
    if (mark) { mark.classList.add("intake-focus"); mark.scrollIntoView({block: "nearest"}); }
  });
});
