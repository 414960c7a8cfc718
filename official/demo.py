"""The demo council's public register: which accounts it publishes, and a report from a
resident of an account pretending to be the council's."""
