"""ESE 546 Homework 2: its settings, public and hidden checks, and their support code."""
