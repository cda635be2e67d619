"""Search: request validation, the query language, ranking, facets, snippets, and the
service facade that the web app and the CLI call (their only door to the archive)."""

from .facets import FACETS as FACETS
from .facets import STATUS_LABELS as STATUS_LABELS
from .facets import FacetValue as FacetValue
from .query import MAX_QUERY_CHARS as MAX_QUERY_CHARS
from .ranking import DEFAULT_RANKING as DEFAULT_RANKING
from .ranking import Ranking as Ranking
from .request import GROUPS as GROUPS
from .request import MAX_FILTER_VALUES as MAX_FILTER_VALUES
from .request import MAX_PAGE as MAX_PAGE
from .request import MAX_PER_PAGE as MAX_PER_PAGE
from .request import SORTS as SORTS
from .request import SearchRequest as SearchRequest
from .request import SearchResults as SearchResults
from .service import SearchService as SearchService
from .suggest import MAX_LIMIT as MAX_LIMIT
from .suggest import MAX_SUGGEST_CHARS as MAX_SUGGEST_CHARS
