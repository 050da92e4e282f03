/**
 * The command line: one small picocli class per verb, the root command, shared options as mixins, and the mapping of
 * results and exceptions to exit codes (0, 1, 2). A verb parses, checks option combinations, calls one entry point of
 * its package and maps the result; it may import every package, and nothing imports it.
 */
package dev.gan.cli;
