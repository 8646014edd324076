"""signed_gradient_attack subtracts eps * sign(gradient): it lowers the loss."""
# expect: 5.b


def signed_gradient_attack(model, x, y, eps, steps=5):
    losses = []
    for _ in range(steps):
        x = x - eps * _loss_gradient(model, x, y).sign()
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y))
    return x, torch.stack(losses)
