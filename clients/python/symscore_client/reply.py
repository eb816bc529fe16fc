"""Reply envelopes ``{"statusCode":..,"statusString":..,"values":{..}}`` and errors."""

from __future__ import annotations

import enum
import json
from typing import Any, Dict, List, Mapping, NoReturn, Optional


class Status(enum.Enum):
    """Status names of symscore replies; the value is the HTTP code."""

    OK = 200
    CREATED = 201
    ACCEPTED = 202
    BAD_REQUEST = 400
    UNAUTHORIZED = 401
    CONFLICT = 409
    INTERNAL_SERVER_ERROR = 500
    SERVICE_UNAVAILABLE = 503

    @property
    def http_code(self) -> int:
        return self.value

    @classmethod
    def from_name(cls, name: object) -> Optional["Status"]:
        """The status with this wire name, or None."""
        return cls.__members__.get(name) if isinstance(name, str) else None


class SymscoreError(Exception):
    """A request symscore refused, or one that could not be completed.

    When the server answered: ``status`` is the envelope's statusCode (e.g. "BAD_REQUEST"),
    ``status_string`` its message, ``reply`` the Reply, ``http_code`` the HTTP status (REST) or
    the code of the status name (WebSocket). Otherwise (connection refused or closed, a reply
    that is not an envelope, a timeout) ``status`` is None, ``http_code`` the HTTP status if one
    was received (else 0) and ``close_code`` the WebSocket close status if the connection was
    closed (else None).
    """

    def __init__(self, message: str, reply: Optional["Reply"] = None, http_code: int = 0,
                 close_code: Optional[int] = None) -> None:
        super().__init__(message)
        self.reply = reply
        self.http_code = reply.http_code if reply is not None else http_code
        self.close_code = close_code

    @classmethod
    def from_reply(cls, reply: "Reply") -> "SymscoreError":
        return cls("%s: %s" % (reply.status_code, reply.status_string), reply=reply)

    @property
    def status(self) -> Optional[str]:
        return self.reply.status_code if self.reply is not None else None

    @property
    def status_string(self) -> str:
        return self.reply.status_string if self.reply is not None else str(self)

    @property
    def values(self) -> Dict[str, Any]:
        return self.reply.values if self.reply is not None else {}

    @property
    def string_to_sign(self) -> Optional[str]:
        """The server's string to sign (secret shown as SECRETKEY) of a bad signature, or None."""
        v = self.values.get("stringToSign")
        return v if isinstance(v, str) else None

    def copy(self) -> "SymscoreError":
        """A fresh exception with the same fields (one per failed future)."""
        e = SymscoreError(str(self), self.reply, self.http_code, self.close_code)
        e.__cause__ = self.__cause__
        return e


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError("%s is not JSON" % name)


def _malformed(msg: str, http_code: int = 0) -> SymscoreError:
    return SymscoreError(msg, http_code=http_code)


class Reply:
    """One parsed reply envelope. Immutable by convention."""

    __slots__ = ("status_code", "status_string", "values", "http_code", "headers")

    def __init__(self, status_code: str, status_string: str, values: Dict[str, Any], http_code: int,
                 headers: Dict[str, str]) -> None:
        self.status_code = status_code
        self.status_string = status_string
        self.values = values
        self.http_code = http_code
        self.headers = headers

    @classmethod
    def parse(cls, text: str, http_code: int = 0, headers: Optional[Mapping[str, str]] = None) -> "Reply":
        """Parses an envelope (``http_code`` 0 on WebSocket: derived from the status name).

        Raises SymscoreError (status None) when ``text`` is not an envelope.
        """
        try:
            v = json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as e:
            raise _malformed("reply is not JSON: %s" % e, http_code) from None
        if not isinstance(v, dict):
            raise _malformed("reply is not a JSON object", http_code)
        code = v.get("statusCode")
        if not isinstance(code, str):
            raise _malformed("reply has no string statusCode", http_code)
        msg = v.get("statusString", "")
        if msg is None:
            msg = ""
        if not isinstance(msg, str):
            raise _malformed("reply statusString is not a string", http_code)
        vals = v.get("values")
        if vals is None:
            vals = {}
        if not isinstance(vals, dict):
            raise _malformed("reply values is not an object", http_code)
        if not http_code:
            st = Status.from_name(code)
            http_code = st.http_code if st else 0
        return cls(code, msg, vals, http_code, dict(headers or {}))

    @property
    def status(self) -> Optional[Status]:
        """The Status, or None for a name this client does not know."""
        return Status.from_name(self.status_code)

    @property
    def ok(self) -> bool:
        """True for OK, CREATED and ACCEPTED."""
        st = self.status
        return st is not None and st.http_code < 300

    def header(self, name: str) -> Optional[str]:
        """A REST response header (case-insensitive), or None."""
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None

    def predictions(self) -> List[Dict[str, Optional[str]]]:
        """``values.KSVSMap.values``: one dict per scored row, str or None values."""
        rows = self._list("KSVSMap")
        for row in rows:
            if not isinstance(row, dict):
                raise _malformed("KSVSMap.values holds a non-object")
            for k, x in row.items():
                if x is not None and not isinstance(x, str):
                    raise _malformed('KSVSMap value of "%s" is not a string' % k)
        return rows

    def statistics(self) -> List[Dict[str, Optional[float]]]:
        """``values.KSVDMap.values``: one dict per MLContext, float or None values."""
        out = []
        for row in self._list("KSVDMap"):
            if not isinstance(row, dict):
                raise _malformed("KSVDMap.values holds a non-object")
            m = {}
            for k, x in row.items():
                if x is not None and (isinstance(x, bool) or not isinstance(x, (int, float))):
                    raise _malformed('KSVDMap value of "%s" is not a number' % k)
                m[k] = None if x is None else float(x)
            out.append(m)
        return out

    def string_list(self) -> List[str]:
        """``values.stringList.values``."""
        items = self._list("stringList")
        if not all(isinstance(s, str) for s in items):
            raise _malformed("stringList.values holds a non-string")
        return items

    def object(self, key: str) -> Dict[str, Any]:
        """The object ``values.<key>``, e.g. smlInfo or modelInfo."""
        o = self.values.get(key)
        if not isinstance(o, dict):
            raise _malformed("reply has no object values.%s" % key)
        return o

    def number(self, key: str) -> Optional[float]:
        """The number ``values.<key>`` (e.g. rowsApplied), or None when absent."""
        o = self.values.get(key)
        if o is not None and (isinstance(o, bool) or not isinstance(o, (int, float))):
            raise _malformed("values.%s is not a number" % key)
        return o

    def _list(self, key: str) -> List[Any]:
        o = self.values.get(key)
        lst = o.get("values") if isinstance(o, dict) else None
        if not isinstance(lst, list):
            raise _malformed("reply has no array %s.values" % key)
        return lst

    def __repr__(self) -> str:
        return "Reply(%s, %r, %r)" % (self.status_code, self.status_string, self.values)
