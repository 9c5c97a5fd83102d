/* Java entry point: array typemaps, then the shared interface.
   Arrays reach C without copying: JNI's critical access pins a Java array
   for the length of the call (inputs released with JNI_ABORT, outputs with
   0 so the pinned or copied array is committed). Lengths are read in the
   `in` phase and arrays pinned in the `check` phase, after every length,
   because no other JNI call may run while an array is held critically. */

%define AXQ_JAVA_ARRAY(CTYPE, NAME, LEN, JTYPE, JNITYPE, RELEASE)
%typemap(jni) (CTYPE NAME, size_t LEN) "JNITYPE"
%typemap(jtype) (CTYPE NAME, size_t LEN) "JTYPE"
%typemap(jstype) (CTYPE NAME, size_t LEN) "JTYPE"
%typemap(javain) (CTYPE NAME, size_t LEN) "$javainput"
%typemap(in) (CTYPE NAME, size_t LEN) %{
  if (!$input) {
    SWIG_JavaThrowException(jenv, SWIG_JavaNullPointerException, "array is null");
    return $null;
  }
  $2 = (size_t)(*jenv)->GetArrayLength(jenv, $input);
  $1 = NULL;
%}
%typemap(check) (CTYPE NAME, size_t LEN) %{
  $1 = ($1_ltype)(*jenv)->GetPrimitiveArrayCritical(jenv, $input, NULL);
  if (!$1) return $null; /* OutOfMemoryError pending */
%}
%typemap(freearg) (CTYPE NAME, size_t LEN) %{
  if ($1) (*jenv)->ReleasePrimitiveArrayCritical(jenv, $input, (void *)$1, RELEASE);
%}
%enddef

AXQ_JAVA_ARRAY(const float *, src, src_len, float[], jfloatArray, JNI_ABORT)
AXQ_JAVA_ARRAY(float *, dst, dst_len, float[], jfloatArray, 0)
AXQ_JAVA_ARRAY(const uint8_t *, bytes, bytes_len, byte[], jbyteArray, JNI_ABORT)
AXQ_JAVA_ARRAY(uint8_t *, out, out_len, byte[], jbyteArray, 0)
AXQ_JAVA_ARRAY(const int64_t *, dims, ndim, long[], jlongArray, JNI_ABORT)

/* 64-bit results stay 64-bit: SWIG maps C long (int64_t here) to Java int. */
%apply long long { int64_t };

%include "axq.i"
