"""Substitute cover: requests for substitutes, the employer's view, the guarantee, figures."""
