# Create the unprivileged users student code runs as and lock the grader's secrets away from them
# (reference solutions, hidden checks); as an ordinary user this changes nothing.
"$ROOT/scripts/setup_sandbox_user.sh" "$VENV/bin/python"
