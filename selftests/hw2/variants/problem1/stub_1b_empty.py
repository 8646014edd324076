"""evaluate is a stub that returns None without running the model: earns nothing on 1.b."""
# expect: 1.b=0


def evaluate(model, images, labels, batch_size=100):
    return None
