# Fetch CIFAR-10's test batch into data/ when the autograder zip does not bundle it (Gradescope has
# the network during setup only), for an assignment's set-up step: bash THIS_FILE "PART LABELS".
# Never fails the setup: without the data only those parts are lost, and their feedback says so.
# Skipped by `setup.sh --dev` (the self-tests make their own data) and by AUTOGRADER_SKIP_CIFAR=1;
# AUTOGRADER_CIFAR_URL names a mirror of the official archive.
PARTS="${1:-the checkpoint parts}"
if [ -f "$ROOT/data/cifar-10-batches-py/test_batch" ]; then
  echo "[cifar] test set in place: data/cifar-10-batches-py"
elif [ "${DEV:-0}" = 1 ] || [ "${AUTOGRADER_SKIP_CIFAR:-0}" = 1 ]; then
  echo "[cifar] not fetched (--dev or AUTOGRADER_SKIP_CIFAR=1): part(s) $PARTS can only be scored with --data DIR"
elif (cd "$ROOT" && "$VENV/bin/python" -m autograder.deeplearning.cifar_fetch "$ROOT/data"); then
  echo "[cifar] test set fetched into data/cifar-10-batches-py"
else
  echo "[cifar] WARNING: no CIFAR-10 test set; part(s) $PARTS will score 0 with a note (see docs/instructors.md)"
fi
exit 0
