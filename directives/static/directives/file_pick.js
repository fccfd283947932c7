// The drafting page's file field: the browser's own "Choose File" button speaks the browser's
// language, not the page's, so the page shows its own button and the chosen file's name.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var name = input.parentNode.querySelector(".file-name");
    input.addEventListener("change", function () {
      name.textContent = input.files.length ? input.files[0].name : name.dataset.empty;
    });
  });
});
