"""The shared `field` macro: a field without errors must not be announced as invalid."""
from __future__ import annotations

from flask import render_template_string


def test_a_field_without_errors_carries_no_aria_invalid_and_no_dangling_describedby(app):
    from wuye.invoices.forms import IssueInvoiceForm
    with app.test_request_context():
        html = render_template_string('{% from "_macros/forms.html" import field %}{{ field(f.number) }}',
                                      f=IssueInvoiceForm(formdata=None, meta={"csrf": False}))
    assert "aria-invalid" not in html and "aria-describedby" not in html and "None" not in html


def test_a_field_with_an_error_points_to_its_message(app):
    from wuye.invoices.forms import IssueInvoiceForm
    with app.test_request_context(method="POST", data={"number": ""}):
        form = IssueInvoiceForm(meta={"csrf": False})
        form.validate()
        html = render_template_string('{% from "_macros/forms.html" import field %}{{ field(f.number) }}', f=form)
    assert 'aria-invalid="true"' in html and 'aria-describedby="number-error"' in html and 'id="number-error"' in html
