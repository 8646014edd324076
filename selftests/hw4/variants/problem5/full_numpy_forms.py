"""NumPy throughout: the loss expanded as a quadratic form, the solution through an explicit inverse
(a NumPy array), and other sympy forms (sigma*sigma, 2*(x^2 + sigma^2)^-1, (y/x)/(1 + sigma^2/x^2))."""
# expect: full
import numpy as np


def expected_noisy_loss(X, w, y, sigma):
    X, w, y = (np.asarray(v.numpy(), dtype=np.float64) for v in (X, w, y))
    m = X.shape[0]
    return float(w @ (X.T @ X + m * sigma**2 * np.eye(X.shape[1])) @ w - 2 * y @ X @ w + y @ y)


def ridge_lambda(sigma, m):
    return sigma * sigma * m / m


def noisy_least_squares(X, y, sigma):
    X, y = X.numpy(), y.numpy()
    m, n = X.shape
    return np.linalg.inv(X.T @ X + m * sigma**2 * np.eye(n)) @ (X.T @ y)


def expected_weight_step(Ew, x, y, sigma, eta):
    return np.float64(Ew - eta * (Ew * (x**2 + sigma**2) - x * y))


def max_learning_rate(x, sigma):
    return 2 * (x**2 + sigma**2) ** -1


def expected_weight_limit(x, y, sigma):
    return (y / x) / (1 + sigma**2 / x**2)
