"""Form helpers shared by the apps' admins and staff pages."""


def extend_form(form, *mixins, **attrs):
    """A subclass of the form class `form` with `mixins` in front and `attrs` added.

    Subclassing a ModelForm builds its fields anew from the model; the subclass keeps the
    fields of `form` instead, as the admin and its mixins have adjusted them.
    """
    extended = type(form.__name__, (*mixins, form), attrs)
    extended.base_fields = form.base_fields
    return extended


def share_choices(forms_, *names):
    """Let every form of a formset reuse one list of choices per picker: one query each."""
    shared = {}
    for form in forms_:
        for name in names:
            field = form.fields[name]
            if name not in shared:
                # iter(): list() would first ask the choices for len(), a COUNT query.
                shared[name] = list(iter(field.choices))
            field.choices = shared[name]
