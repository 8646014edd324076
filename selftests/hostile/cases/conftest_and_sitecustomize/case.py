"""Ships conftest.py, sitecustomize.py and usercustomize.py that would pass every check if loaded."""
# expect: 3.a,3.b
# never: was imported
def gradient_at_scaled_point(grad_w, lam):
    return grad_w * 0


def effective_learning_rate(eta, w):
    return 0.0
