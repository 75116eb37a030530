"""Money: API and self-hosted cost, prices, discounts, sizing, quality-adjusted cost."""
