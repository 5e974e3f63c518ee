/** Table I, the PNG plots and the Markdown/HTML report of a search run. */
package io.flnas.examples.report;
