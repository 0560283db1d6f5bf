"""tystnad: what a B2B customer's silence means, read from the seller's own mail."""

from tystnad.model import Diagnosis, Message, RawMessage, Seller, Skipped, Status
from tystnad.pipeline import ScanResult, scan

__version__ = "0.1.0"

__all__ = ["Diagnosis", "Message", "RawMessage", "ScanResult", "Seller", "Skipped", "Status",
           "__version__", "scan"]
