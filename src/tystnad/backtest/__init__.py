"""Backtest: the risk model measured by replaying the seller's own history, and fitted on it."""
