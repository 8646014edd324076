"""evaluate is a stub that returns a constant, -1.0, without running the model: earns nothing on 1.b."""
# expect: 1.b=0


def evaluate(model, images, labels, batch_size=100):
    return -1.0
