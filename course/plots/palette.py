"""The Okabe-Ito palette: eight colours that stay distinct under the common colour-vision deficiencies."""

from __future__ import annotations

BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"

OKABE_ITO = (BLUE, ORANGE, GREEN, VERMILION, SKY_BLUE, PURPLE, YELLOW, BLACK)
