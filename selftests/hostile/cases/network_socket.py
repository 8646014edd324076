"""Opens TCP and UDP sockets to the test's listener and to the internet."""
# never: connected to
# expect: full
# check: listener
import socket

import hostile_kit as kit

_reference = effective_learning_rate


def effective_learning_rate(eta, w):
    for family, kind, address in ((socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", kit.PORT)),
                                  (socket.AF_INET, socket.SOCK_STREAM, ("1.1.1.1", 80)),
                                  (socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", kit.PORT)),
                                  (socket.AF_INET6, socket.SOCK_STREAM, ("::1", kit.PORT))):
        try:
            with socket.socket(family, kind) as connection:
                connection.settimeout(1)
                connection.connect(address)
                connection.sendall(b"LEAK")
                kit.note(f"connected to {address}")
        except OSError as error:
            kit.note(f"no connection to {address}: {error}")
    return _reference(eta, w)
