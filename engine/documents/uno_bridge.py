"""The bridge between the engine and a running LibreOffice: run by the system Python that has LibreOffice's ``uno``.

Started by ``engine.documents.converter`` as ``python3 uno_bridge.py <pipe name>``. It connects to the soffice
listening on that UNO pipe, prints one ``{"ready": true}`` line, then answers requests read from stdin, one JSON
line each (``{"input": docx path, "output": pdf path}``) with one JSON line (``{"ok": true}`` or
``{"ok": false, "error": ..., "fatal": bool}``). A fatal answer (LibreOffice gone) is followed by exit.
This file imports nothing from the project (the system Python does not see its packages), and LibreOffice's
modules only when run, so that the engine's own Python can import it (the error-table test imports every module).
"""

import json
import sys
import time

CONNECT_SECONDS = 60.0


def _property(name: str, value: object) -> object:
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _answer(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def _connect(pipe: str) -> object:
    import uno  # type: ignore[import-not-found]
    from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)


def _convert(desktop: object, source: str, target: str) -> None:
    import uno

    load = (_property("Hidden", True), _property("ReadOnly", True), _property("UpdateDocMode", 0))
    document = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0, load)  # type: ignore[attr-defined]
    if document is None:
        raise ValueError("LibreOffice could not open the document")
    try:
        document.storeToURL(uno.systemPathToFileUrl(target), (_property("FilterName", "writer_pdf_Export"),))
    finally:
        document.close(True)


def main() -> None:
    """Connect, announce readiness, serve conversions until stdin closes (then end LibreOffice) or it goes away."""
    import uno  # noqa: F401  (installs the import hook of the com.sun.star modules)
    from com.sun.star.lang import DisposedException  # type: ignore[import-not-found]
    from com.sun.star.uno import RuntimeException  # type: ignore[import-not-found]

    try:
        desktop = _connect(sys.argv[1])
    except Exception as exc:  # noqa: BLE001 - reported to the engine, which decides
        _answer({"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return
    _answer({"ready": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            _convert(desktop, request["input"], request["output"])
        except (DisposedException, RuntimeException) as exc:
            _answer({"ok": False, "fatal": True, "error": f"{type(exc).__name__}: {exc}"})
            return
        except Exception as exc:  # noqa: BLE001 - one document's failure is answered, the bridge goes on
            _answer({"ok": False, "fatal": False, "error": f"{type(exc).__name__}: {exc}"})
        else:
            _answer({"ok": True})
    _terminate(desktop)  # stdin closed: the engine stopped or died, so LibreOffice must not outlive it


def _terminate(desktop: object) -> None:
    try:
        desktop.terminate()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001, S110 - LibreOffice already gone
        pass


if __name__ == "__main__":
    main()
