"""The last word: can SpiffWorkflow's own parser build a workflow spec from the process?"""

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.processes.lint.problems import LintProblem

CHECK = "spiffworkflow"


def spiff_parse_problems(tree: etree._ElementTree, filename: str, process_key: str) -> list[LintProblem]:
    """Errors SpiffWorkflow raises while parsing ``process_key`` and the sub-processes it calls."""
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(tree, filename)
        parser.get_spec(process_key)
        parser.get_subprocess_specs(process_key)
    except ValidationException as exc:
        line = exc.line_number if isinstance(exc.line_number, int) and exc.line_number > 0 else None
        message = str(exc).splitlines()[0]
        return [LintProblem("error", CHECK, exc.id or None, line, f"SpiffWorkflow: {message}")]
    except Exception as exc:  # SpiffWorkflow raises many kinds; each one is a reason to refuse the file
        return [LintProblem("error", CHECK, None, None, f"SpiffWorkflow cannot parse the file: {exc}")]
    return []
