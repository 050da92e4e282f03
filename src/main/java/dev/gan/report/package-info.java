/**
 * The self-contained HTML reports of a run and of a sweep, built from the files a run leaves. It imports io.
 */
package dev.gan.report;
