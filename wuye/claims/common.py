"""The claims blueprint (/desk/claims): the claim lists (views.py) and the warranty table (table.py)."""
from flask import Blueprint

bp = Blueprint("claims", __name__, url_prefix="/desk/claims")
