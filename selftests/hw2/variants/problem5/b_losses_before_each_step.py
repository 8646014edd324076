"""signed_gradient_attack records the loss before each step instead of after it."""
# expect: 5.b


def signed_gradient_attack(model, x, y, eps, steps=5):
    losses = []
    for _ in range(steps):
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y))
        x = _signed_step(model, x, y, eps)
    return x, torch.stack(losses)
