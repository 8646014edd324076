# Fetch CIFAR-10's test batch for part 5.a when the autograder zip does not bundle it (Gradescope
# has the network during setup only). Never fails the setup: without the data only 5.a is lost, and
# its feedback says so. Skipped by `setup.sh --dev` (the self-tests make their own data) and by
# AUTOGRADER_SKIP_CIFAR=1; AUTOGRADER_CIFAR_URL names a mirror of the official archive.
if [ -f "$ROOT/data/cifar-10-batches-py/test_batch" ]; then
  echo "[cifar] test set in place: data/cifar-10-batches-py"
elif [ "${DEV:-0}" = 1 ] || [ "${AUTOGRADER_SKIP_CIFAR:-0}" = 1 ]; then
  echo "[cifar] not fetched (--dev or AUTOGRADER_SKIP_CIFAR=1): 5.a needs --data DIR to be scored"
elif (cd "$ROOT" && "$VENV/bin/python" -m autograder.deeplearning.cifar_fetch "$ROOT/data"); then
  echo "[cifar] test set fetched into data/cifar-10-batches-py"
else
  echo "[cifar] WARNING: no CIFAR-10 test set; 5.a will score 0 with a note (see docs/instructors.md)"
fi
exit 0
