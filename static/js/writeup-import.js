// The write-up import page: an unticked proposal greys out, so what will be saved shows at a glance.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!box.matches(".writeup-import__keep input[type=checkbox]")) return;
  box.closest(".writeup-import__row").classList.toggle("is-dropped", !box.checked);
});
