'use strict';
// The directive list's searchable filters (directives.admin.SearchableFilter): choosing or clearing
// an agency, a session or a notice in a picker reloads the list with that parameter, keeping the
// list's other parameters. select2 tells of a choice through jQuery's "change" event.
window.addEventListener('DOMContentLoaded', function () {
    django.jQuery('.searchable-filter select').on('change', function () {
        const params = new URLSearchParams(this.form.dataset.others);
        if (this.value) {
            params.set(this.name, this.value);
        } else {
            params.delete(this.name);
        }
        const query = params.toString();
        window.location.search = query ? '?' + query : '';
    });
});
