"""signed_gradient_attack computes the gradient once and reuses it for every step."""
# expect: 5.b


def signed_gradient_attack(model, x, y, eps, steps=5):
    direction = _loss_gradient(model, x, y).sign()
    losses = []
    for _ in range(steps):
        x = x + eps * direction
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y))
    return x, torch.stack(losses)
