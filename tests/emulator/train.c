/* SPDX-License-Identifier: MIT */
/*
 * train.c: what a retraining experiment does, small and deterministic.
 * A CSV with a header row is read; every column whose values are all
 * numbers (the label column aside) is a feature.  A label with two
 * distinct values gets a two-class logistic regression (Newton's
 * method with a little L2 regularisation, so separable data still gives
 * finite weights); a numeric label with more values gets least squares.
 * Features are standardised first.  The model is written as the
 * .ilearner blob in a JSON format of our own, which says so: it is not
 * Studio's binary format, and nothing outside the emulator reads it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>

#include "studio.h"

#define ILEARNER_FORMAT "aml-emulator/ilearner"
#define LAMBDA_LOGISTIC 1.0	/* L2 on standardised weights */
#define LAMBDA_LINEAR 1e-9
#define NEWTON_MAX 50

struct studio_model {
	char *label;
	int classifier;
	char *classes[2];	/* classifier: negative, positive */
	size_t n;
	char **features;
	double *mean, *scale, *w;
	double b;
};

/* ---- numbers -------------------------------------------------------- */

int
studio_number(const char *s, double *v)
{
	char *end;

	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	*v = strtod(s, &end);
	while (*end == ' ')
		end++;
	return !*end && isfinite(*v);
}

void
studio_fmt(char *buf, size_t n, double v)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* ---- CSV ------------------------------------------------------------ */

/* One field from *p (RFC 4180: quotes, doubled quotes, no line breaks
 * inside quotes needed here); *eol set at the end of a record. */
static char *
field(const char **p, const char *end, int *eol, int *bad)
{
	struct aml_wbuf w;
	const char *s = *p;

	aml_wbuf_init(&w, -1);
	*eol = 0;
	if (s < end && *s == '"') {
		for (s++;; s++) {
			if (s >= end) {
				*bad = 1;
				break;
			}
			if (*s == '"') {
				if (s + 1 < end && s[1] == '"') {
					aml_wputc(&w, '"');
					s++;
					continue;
				}
				s++;
				break;
			}
			aml_wputc(&w, *s);
		}
	} else {
		for (; s < end && *s != ',' && *s != '\n' && *s != '\r'; s++)
			aml_wputc(&w, *s);
	}
	if (s < end && *s == ',') {
		s++;
	} else {
		if (s < end && *s == '\r')
			s++;
		if (s < end && *s == '\n')
			s++;
		*eol = 1;
		if (s < end && *s != ',' && s[-1] != '\n' && s[-1] != '\r')
			*bad = 1;
	}
	*p = s;
	return aml_wbuf_take(&w);
}

static char **
record(const char **p, const char *end, size_t *n, int *bad)
{
	char **v = NULL;
	int eol = 0;

	*n = 0;
	while (!eol) {
		v = aml_xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = field(p, end, &eol, bad);
		if (*p >= end)
			eol = 1;
	}
	return v;
}

static void
freerec(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int
studio_csv_parse(const char *text, size_t len, struct studio_csv *c, char **why)
{
	const char *p = text, *end = text + len;
	int bad = 0;
	size_t n;

	memset(c, 0, sizeof *c);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (p >= end) {
		*why = aml_xstrdup("the data set is empty");
		return -1;
	}
	c->names = record(&p, end, &c->ncol, &bad);
	while (p < end && !bad) {
		char **row;

		if (*p == '\n' || *p == '\r') {
			p++;
			continue;
		}
		row = record(&p, end, &n, &bad);
		if (n != c->ncol) {
			*why = aml_xasprintf("row %zu has %zu columns, the header %zu", c->nrow + 2,
			    n, c->ncol);
			freerec(row, n);
			studio_csv_free(c);
			return -1;
		}
		c->rows = aml_xreallocarray(c->rows, c->nrow + 1, sizeof *c->rows);
		c->rows[c->nrow++] = row;
	}
	if (bad) {
		*why = aml_xasprintf("malformed CSV near row %zu", c->nrow + 2);
		studio_csv_free(c);
		return -1;
	}
	return 0;
}

void
studio_csv_free(struct studio_csv *c)
{
	for (size_t i = 0; i < c->nrow; i++)
		freerec(c->rows[i], c->ncol);
	free(c->rows);
	freerec(c->names, c->ncol);
	memset(c, 0, sizeof *c);
}

static long
column(const struct studio_csv *c, const char *name)
{
	for (size_t j = 0; j < c->ncol; j++)
		if (strcmp(c->names[j], name) == 0)
			return (long)j;
	return -1;
}

/* ---- linear algebra ------------------------------------------------- */

/* Solve A x = y (n by n, row-major, both destroyed) with partial
 * pivoting; -1 when singular. */
static int
solve(double *a, double *y, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		size_t p = k;

		for (size_t i = k + 1; i < n; i++)
			if (fabs(a[i * n + k]) > fabs(a[p * n + k]))
				p = i;
		if (fabs(a[p * n + k]) < 1e-300)
			return -1;
		if (p != k) {
			for (size_t j = 0; j < n; j++) {
				double t = a[k * n + j];

				a[k * n + j] = a[p * n + j];
				a[p * n + j] = t;
			}
			double t = y[k];
			y[k] = y[p];
			y[p] = t;
		}
		for (size_t i = k + 1; i < n; i++) {
			double f = a[i * n + k] / a[k * n + k];

			for (size_t j = k; j < n; j++)
				a[i * n + j] -= f * a[k * n + j];
			y[i] -= f * y[k];
		}
	}
	for (size_t k = n; k-- > 0;) {
		for (size_t j = k + 1; j < n; j++)
			y[k] -= a[k * n + j] * y[j];
		y[k] /= a[k * n + k];
	}
	return 0;
}

/* ---- fitting -------------------------------------------------------- */

struct design {
	size_t n, d;		/* rows, features */
	double *x;		/* n by d, standardised */
	double *y;
};

static double
sigmoid(double z)
{
	return z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z));
}

/* Newton's method on the penalised log-likelihood; theta = [b, w...]. */
static int
fit_logistic(const struct design *D, double *theta)
{
	size_t m = D->d + 1;
	double *h = aml_xcalloc(m * m, sizeof *h), *g = aml_xcalloc(m, sizeof *g);
	int rc = -1;

	memset(theta, 0, m * sizeof *theta);
	for (int it = 0; it < NEWTON_MAX; it++) {
		double step = 0;

		memset(h, 0, m * m * sizeof *h);
		memset(g, 0, m * sizeof *g);
		for (size_t i = 0; i < D->n; i++) {
			const double *xi = D->x + i * D->d;
			double z = theta[0], p, wgt;

			for (size_t j = 0; j < D->d; j++)
				z += theta[j + 1] * xi[j];
			p = sigmoid(z);
			wgt = p * (1 - p);
			for (size_t a = 0; a < m; a++) {
				double xa = a ? xi[a - 1] : 1;

				g[a] += (D->y[i] - p) * xa;
				for (size_t b = 0; b < m; b++)
					h[a * m + b] += wgt * xa * (b ? xi[b - 1] : 1);
			}
		}
		for (size_t a = 1; a < m; a++) {
			g[a] -= LAMBDA_LOGISTIC * theta[a];
			h[a * m + a] += LAMBDA_LOGISTIC;
		}
		h[0] += 1e-12;
		if (solve(h, g, m) < 0)
			goto out;
		for (size_t a = 0; a < m; a++) {
			theta[a] += g[a];
			step += fabs(g[a]);
		}
		if (step < 1e-12)
			break;
	}
	rc = 0;
out:
	free(h);
	free(g);
	return rc;
}

static int
fit_linear(const struct design *D, double *theta)
{
	size_t m = D->d + 1;
	double *a = aml_xcalloc(m * m, sizeof *a);
	int rc;

	memset(theta, 0, m * sizeof *theta);
	for (size_t i = 0; i < D->n; i++) {
		const double *xi = D->x + i * D->d;

		for (size_t p = 0; p < m; p++) {
			double xp = p ? xi[p - 1] : 1;

			theta[p] += xp * D->y[i];
			for (size_t q = 0; q < m; q++)
				a[p * m + q] += xp * (q ? xi[q - 1] : 1);
		}
	}
	for (size_t p = 1; p < m; p++)
		a[p * m + p] += LAMBDA_LINEAR * (double)D->n;
	rc = solve(a, theta, m);
	free(a);
	return rc;
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static cJSON *
numbers(const double *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();
	char buf[40];

	for (size_t i = 0; i < n; i++) {
		cJSON *num = cJSON_CreateNumber(v[i]);

		studio_fmt(buf, sizeof buf, v[i]);
		num->valuestring = aml_xstrdup(buf);
		cJSON_AddItemToArray(a, num);
	}
	return a;
}

static void
add_number(cJSON *o, const char *k, double v)
{
	cJSON *n = cJSON_CreateNumber(v);
	char buf[40];

	studio_fmt(buf, sizeof buf, v);
	n->valuestring = aml_xstrdup(buf);
	cJSON_AddItemToObject(o, k, n);
}

/* The label's distinct values, sorted; n set to their count (stops
 * counting past 3). */
static void
label_values(const struct studio_csv *c, size_t lab, char *v[3], size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < c->nrow && *n < 3; i++) {
		const char *s = c->rows[i][lab];
		size_t k;

		for (k = 0; k < *n; k++)
			if (strcmp(v[k], s) == 0)
				break;
		if (k == *n)
			v[(*n)++] = c->rows[i][lab];
	}
	if (*n == 2)
		qsort(v, 2, sizeof *v, cmpstr);
}

static char *
sha256_hex(const unsigned char *p, size_t n)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int k = 0;
	char *s = aml_xmalloc(65);

	EVP_Digest(p, n, d, &k, EVP_sha256(), NULL);
	emu_hex(s, d, k, 0);
	return s;
}

char *
train_fit(const struct studio_csv *c, const char *label, const char *source,
    const unsigned char *raw, size_t rawlen, char **why)
{
	struct design D = { 0 };
	size_t *feat, nf = 0, ncls;
	long lab = column(c, label);
	char *cls[3], *out = NULL, *hash;
	double *theta = NULL, *mean, *scale, v;
	int classifier;
	cJSON *m, *a;

	if (lab < 0) {
		*why = aml_xasprintf("Error 0001: Column with name or index \"%s\" not found in the "
		    "training data set", label);
		return NULL;
	}
	if (c->nrow < 2) {
		*why = aml_xasprintf("Error 0018: Training data set contains %zu rows; at least 2 "
		    "are needed", c->nrow);
		return NULL;
	}
	feat = aml_xcalloc(c->ncol, sizeof *feat);
	for (size_t j = 0; j < c->ncol; j++) {
		size_t i;

		if ((long)j == lab)
			continue;
		for (i = 0; i < c->nrow && studio_number(c->rows[i][j], &v); i++)
			;
		if (i == c->nrow)
			feat[nf++] = j;
	}
	if (!nf) {
		*why = aml_xstrdup("Error 0003: Training data set has no numeric feature columns");
		free(feat);
		return NULL;
	}
	label_values(c, (size_t)lab, cls, &ncls);
	classifier = ncls == 2;
	if (!classifier) {
		for (size_t i = 0; i < c->nrow; i++)
			if (!studio_number(c->rows[i][lab], &v)) {
				*why = aml_xasprintf("Error 0017: Label column \"%s\" has more than two "
				    "classes and is not numeric (row %zu: \"%s\")", label, i + 2,
				    c->rows[i][lab]);
				free(feat);
				return NULL;
			}
	}
	D.n = c->nrow;
	D.d = nf;
	D.x = aml_xcalloc(D.n * D.d, sizeof *D.x);
	D.y = aml_xcalloc(D.n, sizeof *D.y);
	mean = aml_xcalloc(nf, sizeof *mean);
	scale = aml_xcalloc(nf, sizeof *scale);
	for (size_t j = 0; j < nf; j++) {
		double s = 0, ss = 0;

		for (size_t i = 0; i < D.n; i++) {
			studio_number(c->rows[i][feat[j]], &v);
			s += v;
		}
		mean[j] = s / (double)D.n;
		for (size_t i = 0; i < D.n; i++) {
			studio_number(c->rows[i][feat[j]], &v);
			ss += (v - mean[j]) * (v - mean[j]);
		}
		scale[j] = sqrt(ss / (double)D.n);
		if (!(scale[j] > 0))
			scale[j] = 1;
		for (size_t i = 0; i < D.n; i++) {
			studio_number(c->rows[i][feat[j]], &v);
			D.x[i * nf + j] = (v - mean[j]) / scale[j];
		}
	}
	for (size_t i = 0; i < D.n; i++) {
		if (classifier)
			D.y[i] = strcmp(c->rows[i][lab], cls[1]) == 0;
		else
			studio_number(c->rows[i][lab], &D.y[i]);
	}
	theta = aml_xcalloc(nf + 1, sizeof *theta);
	if ((classifier ? fit_logistic(&D, theta) : fit_linear(&D, theta)) < 0) {
		*why = aml_xstrdup("Error 0020: the training data set is degenerate (singular system)");
		goto done;
	}
	m = cJSON_CreateObject();
	cJSON_AddStringToObject(m, "format", ILEARNER_FORMAT);
	cJSON_AddNumberToObject(m, "version", 1);
	cJSON_AddStringToObject(m, "note", "A model trained by aml-emulator's Batch Execution "
	    "Service; not Azure Machine Learning Studio's own .ilearner format.");
	cJSON_AddStringToObject(m, "algorithm", classifier ? "TwoClassLogisticRegression" :
	    "LinearRegression");
	cJSON_AddStringToObject(m, "label", label);
	if (classifier) {
		a = cJSON_AddArrayToObject(m, "classes");
		cJSON_AddItemToArray(a, cJSON_CreateString(cls[0]));
		cJSON_AddItemToArray(a, cJSON_CreateString(cls[1]));
	}
	a = cJSON_AddArrayToObject(m, "features");
	for (size_t j = 0; j < nf; j++)
		cJSON_AddItemToArray(a, cJSON_CreateString(c->names[feat[j]]));
	cJSON_AddItemToObject(m, "mean", numbers(mean, nf));
	cJSON_AddItemToObject(m, "scale", numbers(scale, nf));
	add_number(m, "intercept", theta[0]);
	cJSON_AddItemToObject(m, "weights", numbers(theta + 1, nf));
	a = cJSON_AddObjectToObject(m, "trainedOn");
	cJSON_AddStringToObject(a, "source", source);
	cJSON_AddNumberToObject(a, "rows", (double)c->nrow);
	hash = sha256_hex(raw, rawlen);
	cJSON_AddStringToObject(a, "sha256", hash);
	free(hash);
	out = aml_json_print(m, AML_JW_PRETTY);
	out = aml_xrealloc(out, strlen(out) + 2);
	strcat(out, "\n");
	cJSON_Delete(m);
done:
	free(theta);
	free(mean);
	free(scale);
	free(D.x);
	free(D.y);
	free(feat);
	return out;
}

/* ---- models --------------------------------------------------------- */

void
model_free(struct studio_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->features[i]);
	free(m->features);
	free(m->label);
	free(m->classes[0]);
	free(m->classes[1]);
	free(m->mean);
	free(m->scale);
	free(m->w);
	free(m);
}

static int
vec(const cJSON *o, const char *k, size_t n, double **out)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, k), *e;
	size_t i = 0;

	if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
		return -1;
	*out = aml_xcalloc(n ? n : 1, sizeof **out);
	cJSON_ArrayForEach(e, a) {
		if (!cJSON_IsNumber(e))
			return -1;
		(*out)[i++] = e->valuedouble;
	}
	return 0;
}

struct studio_model *
model_load(const unsigned char *data, size_t len, char **why)
{
	struct studio_model *m = aml_xcalloc(1, sizeof *m);
	struct aml_jerr e;
	const cJSON *f, *c;
	const char *s;
	cJSON *j;
	double b;

	if (!(j = aml_json_parse((const char *)data, len, &e)) ||
	    !(s = aml_json_str(j, "format")) || strcmp(s, ILEARNER_FORMAT) != 0) {
		*why = aml_xstrdup("the blob is not a trained model this service can load");
		goto bad;
	}
	f = cJSON_GetObjectItemCaseSensitive(j, "features");
	s = aml_json_str(j, "label");
	if (!cJSON_IsArray(f) || !s || aml_json_num(j, "intercept", &b) < 0)
		goto corrupt;
	m->label = aml_xstrdup(s);
	m->b = b;
	m->n = (size_t)cJSON_GetArraySize(f);
	m->features = aml_xcalloc(m->n ? m->n : 1, sizeof *m->features);
	for (size_t i = 0; i < m->n; i++) {
		if (!cJSON_IsString(cJSON_GetArrayItem(f, (int)i)))
			goto corrupt;
		m->features[i] = aml_xstrdup(cJSON_GetArrayItem(f, (int)i)->valuestring);
	}
	if (vec(j, "mean", m->n, &m->mean) < 0 || vec(j, "scale", m->n, &m->scale) < 0 ||
	    vec(j, "weights", m->n, &m->w) < 0)
		goto corrupt;
	c = cJSON_GetObjectItemCaseSensitive(j, "classes");
	if (c) {
		if (!cJSON_IsArray(c) || cJSON_GetArraySize(c) != 2 ||
		    !cJSON_IsString(cJSON_GetArrayItem(c, 0)) || !cJSON_IsString(cJSON_GetArrayItem(c, 1)))
			goto corrupt;
		m->classifier = 1;
		m->classes[0] = aml_xstrdup(cJSON_GetArrayItem(c, 0)->valuestring);
		m->classes[1] = aml_xstrdup(cJSON_GetArrayItem(c, 1)->valuestring);
	}
	cJSON_Delete(j);
	return m;
corrupt:
	*why = aml_xstrdup("the trained model is corrupt");
bad:
	cJSON_Delete(j);
	model_free(m);
	return NULL;
}

size_t model_nfeatures(const struct studio_model *m) { return m->n; }
const char *model_feature(const struct studio_model *m, size_t i) { return m->features[i]; }
const char *model_label(const struct studio_model *m) { return m->label; }
int model_classifier(const struct studio_model *m) { return m->classifier; }

void
model_score(const struct studio_model *m, const double *x, char *label, size_t lsize,
    double *p)
{
	double z = m->b;

	for (size_t j = 0; j < m->n; j++)
		z += m->w[j] * (x[j] - m->mean[j]) / m->scale[j];
	if (m->classifier) {
		*p = sigmoid(z);
		snprintf(label, lsize, "%s", m->classes[*p >= 0.5]);
	} else {
		*p = z;
		studio_fmt(label, lsize, z);
	}
}

/* The feature values of row i, in model order; -1 with why. */
static int
row_features(const struct studio_model *m, const struct studio_csv *c, const long *col,
    size_t i, double *x, char **why)
{
	for (size_t j = 0; j < m->n; j++)
		if (!studio_number(c->rows[i][col[j]], &x[j])) {
			*why = aml_xasprintf("Error 0010: row %zu, column \"%s\": \"%s\" is not a number",
			    i + 2, m->features[j], c->rows[i][col[j]]);
			return -1;
		}
	return 0;
}

static long *
columns_of(const struct studio_model *m, const struct studio_csv *c, char **why)
{
	long *col = aml_xcalloc(m->n ? m->n : 1, sizeof *col);

	for (size_t j = 0; j < m->n; j++)
		if ((col[j] = column(c, m->features[j])) < 0) {
			*why = aml_xasprintf("Error 0001: Column with name or index \"%s\" not found",
			    m->features[j]);
			free(col);
			return NULL;
		}
	return col;
}

static void
csv_put(struct aml_wbuf *w, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		aml_wputs(w, s);
		return;
	}
	aml_wputc(w, '"');
	for (; *s; s++) {
		if (*s == '"')
			aml_wputc(w, '"');
		aml_wputc(w, *s);
	}
	aml_wputc(w, '"');
}

char *
model_score_csv(const struct studio_model *m, const struct studio_csv *c, char **why)
{
	long *col = columns_of(m, c, why);
	double *x, p;
	char label[256], num[40];
	struct aml_wbuf w;

	if (!col)
		return NULL;
	x = aml_xcalloc(m->n ? m->n : 1, sizeof *x);
	aml_wbuf_init(&w, -1);
	for (size_t j = 0; j < c->ncol; j++) {
		csv_put(&w, c->names[j]);
		aml_wputc(&w, ',');
	}
	aml_wputs(&w, m->classifier ? "Scored Labels,Scored Probabilities\r\n" : "Scored Labels\r\n");
	for (size_t i = 0; i < c->nrow; i++) {
		if (row_features(m, c, col, i, x, why) < 0) {
			aml_wbuf_free(&w);
			free(x);
			free(col);
			return NULL;
		}
		model_score(m, x, label, sizeof label, &p);
		for (size_t j = 0; j < c->ncol; j++) {
			csv_put(&w, c->rows[i][j]);
			aml_wputc(&w, ',');
		}
		csv_put(&w, label);
		if (m->classifier) {
			studio_fmt(num, sizeof num, p);
			aml_wprintf(&w, ",%s", num);
		}
		aml_wputs(&w, "\r\n");
	}
	free(x);
	free(col);
	return aml_wbuf_take(&w);
}

/* Evaluate Model's numbers for the data set the model was trained on. */
char *
train_evaluate(const struct studio_model *m, const struct studio_csv *c, char **why)
{
	long *col = columns_of(m, c, why), lab = column(c, m->label);
	double *x, p, y, tp = 0, fp = 0, tn = 0, fn = 0, ll = 0, se = 0, ae = 0, sy = 0, syy = 0;
	char label[256];
	struct aml_wbuf w;
	double n = (double)c->nrow;

	if (!col)
		return NULL;
	if (lab < 0) {
		*why = aml_xasprintf("Error 0001: Column with name or index \"%s\" not found", m->label);
		free(col);
		return NULL;
	}
	x = aml_xcalloc(m->n ? m->n : 1, sizeof *x);
	for (size_t i = 0; i < c->nrow; i++) {
		if (row_features(m, c, col, i, x, why) < 0) {
			free(x);
			free(col);
			return NULL;
		}
		model_score(m, x, label, sizeof label, &p);
		if (m->classifier) {
			int pos = strcmp(c->rows[i][lab], m->classes[1]) == 0, said = p >= 0.5;

			tp += pos && said;
			fp += !pos && said;
			tn += !pos && !said;
			fn += pos && !said;
			ll -= log(pos ? fmax(p, 1e-15) : fmax(1 - p, 1e-15));
		} else if (studio_number(c->rows[i][lab], &y)) {
			se += (y - p) * (y - p);
			ae += fabs(y - p);
			sy += y;
			syy += y * y;
		}
	}
	aml_wbuf_init(&w, -1);
	if (m->classifier) {
		aml_wputs(&w, "Accuracy,Precision,Recall,F1 Score,Average Log Loss,Rows\r\n");
		aml_wprintf(&w, "%.6f,%.6f,%.6f,%.6f,%.6f,%zu\r\n", (tp + tn) / n,
		    tp + fp > 0 ? tp / (tp + fp) : 0, tp + fn > 0 ? tp / (tp + fn) : 0,
		    2 * tp + fp + fn > 0 ? 2 * tp / (2 * tp + fp + fn) : 0, ll / n, c->nrow);
	} else {
		double var = syy / n - (sy / n) * (sy / n);

		aml_wputs(&w, "Mean Absolute Error,Root Mean Squared Error,Coefficient of Determination,Rows\r\n");
		aml_wprintf(&w, "%.6f,%.6f,%.6f,%zu\r\n", ae / n, sqrt(se / n),
		    var > 0 ? 1 - (se / n) / var : 0, c->nrow);
	}
	free(x);
	free(col);
	return aml_wbuf_take(&w);
}
