// The dispute form: one more party (mediation/register.html).
document.getElementById("add-party").addEventListener("click", function () {
  var total = document.getElementById("id_party-TOTAL_FORMS"), n = parseInt(total.value, 10);
  document.getElementById("parties").insertAdjacentHTML("beforeend", document.getElementById("party-template").innerHTML.replace(/__prefix__/g, n));
  total.value = n + 1;
});
