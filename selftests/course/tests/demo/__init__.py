"""The demo lab: its settings, public and hidden checks, and their support code."""
