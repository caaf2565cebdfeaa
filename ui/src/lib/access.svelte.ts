// Whether the open launch may be changed. One flag for the whole window:
// false in an exported record opened for review and in a closed launch.
// Views hide their changing controls by the `mutates` class (see app.css)
// and disable the controls that also show state (checkboxes, selects).
export const access = $state({ readOnly: false });
