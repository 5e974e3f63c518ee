/**
 * The resumable record of a search: the JSON Lines {@link io.flnas.search.journal.Journal} (a
 * header with the configuration fingerprint, then one line per started and ended trial and rung),
 * its line format ({@link io.flnas.search.journal.JsonLines}, {@link
 * io.flnas.search.journal.TrialJson}) and the fingerprint comparison that says why a journal does
 * not match a search.
 */
package io.flnas.search.journal;
