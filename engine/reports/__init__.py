"""Periodic reports and SLA analytics: figures per unit and period, with the change against the previous period."""
